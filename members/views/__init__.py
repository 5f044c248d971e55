"""Member portal pages, one module per area. Views parse input, check permission and call one
service; ``portal.permissions`` checks who may open what."""
