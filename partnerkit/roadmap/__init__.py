"""The roadmap scheduler: dependencies and team capacity, weeks and quarters, critical path."""

from partnerkit.roadmap.calendar import ProgramCalendar
from partnerkit.roadmap.schedule import Schedule, ScheduledActivity
from partnerkit.roadmap.scheduler import check_roadmap, roadmap_problems, schedule_roadmap

__all__ = [
    "ProgramCalendar",
    "Schedule",
    "ScheduledActivity",
    "check_roadmap",
    "roadmap_problems",
    "schedule_roadmap",
]
