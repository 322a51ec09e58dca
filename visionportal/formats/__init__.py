"""The product's own date formats per language (settings.FORMAT_MODULE_PATH), on top of
Django's. Only English needs one: Django's "en" is American ("Dec. 3, 2026, 8:15 p.m.",
"12/03/2026"), while Visionportal's English readers are in the Nordic countries and follow
the GOV.UK style: day, month, year and a 24-hour clock ("3 December 2026, 20:15"). Swedish,
Danish and Norwegian keep Django's formats, which are already their own ("3 december 2026",
"3. december 2026", "3. desember 2026"); tests/test_formats.py pins all four."""
