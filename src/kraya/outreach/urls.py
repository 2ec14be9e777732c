from django.urls import path

from kraya.outreach import views

app_name = "outreach"
urlpatterns = [
    # Events (OUT-1): public pages, and the operators' forms.
    path("events/", views.events, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<str:code>/", views.event, name="event"),
    path("events/<str:code>/register/", views.event_register, name="event_register"),
    path("events/<str:code>/edit/", views.event_edit, name="event_edit"),
    path("events/<str:code>/attendance/", views.attendance, name="attendance"),
    path("events/<str:code>/import/", views.event_import, name="event_import"),
    path("states/<str:state>/", views.state, name="state"),
    # Feedback (OUT-2): buyers and sellers, then the operators' inbox.
    path("feedback/", views.feedback_mine, name="feedback_mine"),
    path("feedback/new/", views.feedback_new, name="feedback_new"),
    path("feedback/<int:feedback_id>/", views.feedback_detail, name="feedback_detail"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:feedback_id>/", views.inbox_item, name="inbox_item"),
    path("summary/", views.summary, name="summary"),
]
