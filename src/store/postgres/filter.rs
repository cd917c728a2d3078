//! A filter compiled into one SELECT of event ids, in the filter's order.
