# concord_events target: owned by the file-log work
