"""The councillors' round: staff open and close it, councillors strike and add keywords on
record, staff publish a versioned keyword list."""
