"""The `naravard` command line (`cli.main`)."""
