"""The service layer: buses, handlers, sagas and the dispatcher."""
