from ninja import NinjaAPI

api = NinjaAPI(title="Kraya API", version="1", urls_namespace="api")
