"""Quality feedback to the departments: opened on a resolution, acknowledged and answered."""
