"""The product archive: one history page per unit, in the desk and in the customer's account
(docs/archive.md). It only reads: every app below it contributes what happened to the unit."""
