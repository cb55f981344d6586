"""`python -m wosync`: the same as the `wosync` command."""

from wosync.cli import main

if __name__ == "__main__":
    main()
