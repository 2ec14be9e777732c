"""The evaluation pages of bids (see `kraya.bids.urls`)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
