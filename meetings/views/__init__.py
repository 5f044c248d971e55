"""Annual meeting pages, one module per area. Views parse input, check permission and call
one service; ``meetings.views.mixins`` declares who may open what."""
