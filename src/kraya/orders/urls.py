from django.urls import path

from kraya.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="orders"),
    path("<str:number>/", views.order_detail, name="order"),
    path("<str:number>/contract.pdf", views.contract_pdf, name="contract_pdf"),
]
