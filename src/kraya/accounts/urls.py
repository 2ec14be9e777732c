from django.urls import path

from kraya.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    # "Forgot your password?", also a bulk-registered seller's first password.
    path("password/forgot/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/sent/", views.PasswordResetSentView.as_view(), name="password_reset_sent"),
    path(
        "password/set/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The Primary User's pages (ROLE-1).
    path(
        "organisations/<int:organisation_id>/users/",
        views.organisation_users,
        name="organisation_users",
    ),
    path(
        "organisations/<int:organisation_id>/users/new/",
        views.user_create,
        name="user_create",
    ),
    path(
        "organisations/<int:organisation_id>/hand-over/",
        views.primary_hand_over,
        name="primary_hand_over",
    ),
    path("users/<int:user_id>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:user_id>/reactivate/", views.user_reactivate, name="user_reactivate"),
    # The seller admin's pages (ROLE-3).
    path("firms/<int:firm_id>/users/", views.firm_users, name="firm_users"),
    path("firms/<int:firm_id>/users/new/", views.seller_user_create, name="seller_user_create"),
    path(
        "firms/<int:firm_id>/users/<int:user_id>/deactivate/",
        views.seller_user_deactivate,
        name="seller_user_deactivate",
    ),
    # My account.
    path("me/", views.account, name="me"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/tokens/", views.api_tokens, name="api_tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
