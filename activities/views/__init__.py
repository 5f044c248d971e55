"""Activity and hour pages, one module per area. Views parse input, check permission and call
one service; ``activities.views.mixins`` declares who may open what."""
