"""A realistic, fictional demo network for `manage.py seed_demo`."""
