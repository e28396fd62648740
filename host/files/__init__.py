"""Files kept by the storage service: their metadata table, the content sniffing, the streamed
intake of an upload and the download response (the service itself is :mod:`host.storage`)."""
