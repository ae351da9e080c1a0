from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "imgsite.reports"
    verbose_name = "Reports"
