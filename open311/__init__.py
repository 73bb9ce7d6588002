"""Open311 GeoReport v2 at /open311/v2/: the services (complaint categories), other
systems filing reports with an API key, and the public list of non-confidential
reports, in JSON and XML (layer 2, beside channels/ and workspace/)."""
