"""A realistic, fictional demo network for `manage.py seed_demo`: participants (``network``,
from ``data``) and their activities and hours (``activities``). It lives in the shared app, so
``members`` does not depend on ``activities``; every step goes through the apps' services.
"""
