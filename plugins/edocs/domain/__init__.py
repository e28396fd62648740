"""edocs' rules without Flask or a database."""
