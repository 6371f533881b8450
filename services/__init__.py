"""What the command line and the web app share: bootstrap, library import and export."""
