"""A network a hundred times the demo, for measuring the portal at scale (``seed_scale``).

Written with COPY rather than the services: the services guard one change at a time, and
going through them for a million rows would take hours and measure the generator. Where the
shape of a row is not obvious (a fee invoice, a roll, a poll's result) one real service call
makes it, and the rest follow that shape.
"""
