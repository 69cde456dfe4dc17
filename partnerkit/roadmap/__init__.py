"""The roadmap scheduler: dependencies and team capacity, weeks and quarters, critical path."""

from partnerkit.roadmap.calendar import ProgramCalendar
from partnerkit.roadmap.schedule import Schedule, ScheduledActivity
from partnerkit.roadmap.scheduler import check_roadmap, roadmap_problems, schedule_roadmap
from partnerkit.roadmap.tables import QuarterSection, RoadmapRow, planned_sections, roadmap_sections

__all__ = [
    "ProgramCalendar",
    "QuarterSection",
    "RoadmapRow",
    "Schedule",
    "ScheduledActivity",
    "check_roadmap",
    "planned_sections",
    "roadmap_problems",
    "roadmap_sections",
    "schedule_roadmap",
]
