from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from members.views import language

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Battery Norway"
admin.site.site_title = "Battery Norway"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("portal.urls")),
    path("", include("members.urls")),
    path("", include("activities.urls")),
    path("", include("billing.urls")),
    path("", include("meetings.urls")),
]

# A database lost while a middleware reads the session or user gets the 503 page, not the 500.
handler500 = "portal.db_errors.server_error"
