"""Looking at what was made, as readers meet it: a real browser (headless Chromium, for the
accessibility tests) and screenshots of every page (`make screenshots`). Tools for people and
tests, not stages of a build. May import the project and the foundations."""
