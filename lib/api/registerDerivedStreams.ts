// Loading each module registers the stream classes DataStream constructs (see derivedStreams).
import './BroadcastStream';
import './CoGroupedStreams';
import './ConnectedStreams';
import './JoinedStreams';
import './KeyedStream';
