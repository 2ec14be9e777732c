from django.urls import path

from kraya.sellers import views
from kraya.sellers.bulk import views as bulk_views

app_name = "sellers"
urlpatterns = [
    # Self-service registration (KYC-1..6): public landing page and sign-up,
    # then the applicant's own wizard, review and status pages.
    path("", views.landing, name="landing"),
    path("signup/", views.signup, name="signup"),
    path("register/", views.register, name="register"),
    path("register/<int:registration_id>/review/", views.review, name="review"),
    path("register/<int:registration_id>/<slug:step>/", views.step, name="step"),
    path("registrations/<int:registration_id>/", views.status, name="status"),
    # The operators' seller directory and verification (staff only).
    path("directory/", views.directory, name="directory"),
    path(
        "directory/<int:registration_id>/",
        views.registration_detail,
        name="registration_detail",
    ),
    path(
        "directory/<int:registration_id>/verify/",
        views.registration_verify,
        name="registration_verify",
    ),
    path(
        "directory/<int:registration_id>/reject/",
        views.registration_reject,
        name="registration_reject",
    ),
    # Bulk registration (KYC-5), operators only.
    path("bulk/", bulk_views.upload, name="bulk_upload"),
    path("bulk/template.csv", bulk_views.template, name="bulk_template"),
    path("bulk/<int:batch_id>/", bulk_views.batch, name="bulk_batch"),
    path("bulk/<int:batch_id>/report.csv", bulk_views.report, name="bulk_report"),
]
