"""pytest/nbval settings for the course: only the chapters are checked.

`exercises/` holds the generated exercise versions: they have no outputs and placeholders
(`...`) that fail until a learner fills them in, so nbval must not run them. `src/` holds the
chapters' sources for scripts/build_notebooks.py.
"""

collect_ignore = ["exercises", "src", ".data"]
