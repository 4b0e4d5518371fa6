"""Every message to a customer or a staff member: one outbox, SMS and email channels."""
