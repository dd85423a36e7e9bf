"""Running reports: the CLI, the papermill runner, HTML export, the index page, notebook helpers."""
