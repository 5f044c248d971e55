from django.contrib import admin

from activities.models import HourlyRate, PersonRate


@admin.register(HourlyRate)
class HourlyRateAdmin(admin.ModelAdmin):
    list_display = ("year", "rate", "note")


@admin.register(PersonRate)
class PersonRateAdmin(admin.ModelAdmin):
    list_display = ("person", "year", "rate")
    list_filter = ("year",)
    search_fields = ("person__email", "person__full_name")
    list_select_related = ("person",)
    autocomplete_fields = ("person",)
