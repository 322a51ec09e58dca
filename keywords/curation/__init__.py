"""Staff curation of the keyword table: merge, split, rename, strike, restore, add, keep
(services.py), undo (undo.py), the workbench and its selectors."""
