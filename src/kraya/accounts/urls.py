from django.urls import path

from kraya.accounts import views

app_name = "accounts"
urlpatterns: list = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
