"""Stage 3, running the chapters: every notebook of a year executed with Papermill and the
project's engine (engine.py) in workers forked from one warm process (workers.py); reader.py
is the one reader of notebook files. May import the notebook API, the data stage, the
project and the foundations."""
