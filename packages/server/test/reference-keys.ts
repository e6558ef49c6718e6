// Keys of the reference's daq_data_server_config.json that REFERENCE section 6 lists as having
// no effect there either: a drop-in lists each once at start-up as ignored, never an error.
export const REFERENCE_KEYS_WITHOUT_EFFECT = [
  'max_client_update_interval_seconds',
  'max_read_queue_size',
  'max_reader_enqueue_timeouts',
  'max_reader_dequeue_timeouts',
  'reader_timeout',
  'hp_io_stop_timeout',
  'valid_data_products',
];
