"""The public certificate check at /<lang>/verify/<code> (the QR code of a certificate)."""

urlpatterns: list = []
