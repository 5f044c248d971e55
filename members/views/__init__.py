"""Member portal pages, one module per area. Views parse input, check permission and call one
service; ``members.permissions`` declares who may open what."""
