"""Allow ``python -m duediligence``."""

from duediligence.cli.app import main

if __name__ == "__main__":
    main()
