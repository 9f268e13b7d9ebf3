// The protobuf messages of TensorBoard event files, written for Trialbook from the public definitions
// (tensorboard/compat/proto/event.proto, summary.proto, tensor.proto, tensor_shape.proto, types.proto,
// histogram.proto and tensorboard/plugins/hparams/plugin_data.proto, api.proto), keeping only the fields a reader
// needs. Fields not declared here are skipped by the decoder (unknown fields from newer writers are harmless).
import { parse, type Type } from 'protobufjs';

export const TENSORBOARD_PROTO = `
syntax = "proto3";
package tensorboard;

message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;
    Summary summary = 5;
    SessionLog session_log = 7;
    bytes meta_graph_def = 9;
  }
  SourceMetadata source_metadata = 10;
}

message SourceMetadata {
  string writer = 1;
}

message SessionLog {
  enum SessionStatus { STATUS_UNSPECIFIED = 0; START = 1; STOP = 2; CHECKPOINT = 3; }
  SessionStatus status = 1;
  string checkpoint_path = 2;
  string msg = 3;
}

message Summary {
  message Image {
    int32 height = 1;
    int32 width = 2;
    int32 colorspace = 3;
    bytes encoded_image_string = 4;
  }
  message Audio {
    float sample_rate = 1;
    int64 num_channels = 2;
    int64 length_frames = 3;
    bytes encoded_audio_string = 4;
    string content_type = 5;
  }
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      bytes obsolete_old_style_histogram = 3;
      Image image = 4;
      HistogramProto histo = 5;
      Audio audio = 6;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}

message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
  int32 data_class = 4;
}

message HistogramProto {
  double min = 1;
  double max = 2;
  double num = 3;
  double sum = 4;
  double sum_squares = 5;
  repeated double bucket_limit = 6;
  repeated double bucket = 7;
}

message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated int32 half_val = 13;
  repeated float float_val = 5;
  repeated double double_val = 6;
  repeated int32 int_val = 7;
  repeated bytes string_val = 8;
  repeated int64 int64_val = 10;
  repeated bool bool_val = 11;
}
`;

export const HPARAMS_PROTO = `
syntax = "proto3";
package tensorboard.hparams;

message HParamsPluginData {
  int32 version = 1;
  oneof data {
    Experiment experiment = 2;
    SessionStartInfo session_start_info = 3;
    SessionEndInfo session_end_info = 4;
  }
}

message Experiment {
  string name = 6;
  string description = 1;
  string user = 2;
  double time_created_secs = 3;
  repeated HParamInfo hparam_infos = 4;
  repeated MetricInfo metric_infos = 5;
}

enum DataType {
  DATA_TYPE_UNSET = 0;
  DATA_TYPE_STRING = 1;
  DATA_TYPE_BOOL = 2;
  DATA_TYPE_FLOAT64 = 3;
}

message Interval {
  double min_value = 1;
  double max_value = 2;
}

message HParamInfo {
  string name = 1;
  string display_name = 2;
  string description = 3;
  DataType type = 4;
  oneof domain {
    ListValue domain_discrete = 5;
    Interval domain_interval = 6;
  }
}

enum DatasetType {
  DATASET_UNKNOWN = 0;
  DATASET_TRAINING = 1;
  DATASET_VALIDATION = 2;
}

message MetricName {
  string group = 1;
  string tag = 2;
}

message MetricInfo {
  MetricName name = 1;
  string display_name = 3;
  string description = 4;
  DatasetType dataset_type = 5;
}

enum Status {
  STATUS_UNKNOWN = 0;
  STATUS_SUCCESS = 1;
  STATUS_FAILURE = 2;
  STATUS_RUNNING = 3;
}

message SessionStartInfo {
  map<string, Value> hparams = 1;
  string model_uri = 2;
  string monitor_url = 3;
  string group_name = 4;
  double start_time_secs = 5;
}

message SessionEndInfo {
  Status status = 1;
  double end_time_secs = 2;
}

// google.protobuf.Value / ListValue / Struct, wire-compatible copies (field numbers as in struct.proto).
message Value {
  oneof kind {
    int32 null_value = 1;
    double number_value = 2;
    string string_value = 3;
    bool bool_value = 4;
    Struct struct_value = 5;
    ListValue list_value = 6;
  }
}
message ListValue { repeated Value values = 1; }
message Struct { map<string, Value> fields = 1; }
`;

let types: { event: Type; hparams: Type } | undefined;

/** The decoders, built once from the definitions above. */
export function tensorboardTypes(): { event: Type; hparams: Type } {
  if (!types) {
    const event = parse(TENSORBOARD_PROTO, { keepCase: true }).root.lookupType('tensorboard.Event');
    const hparams = parse(HPARAMS_PROTO, { keepCase: true }).root.lookupType('tensorboard.hparams.HParamsPluginData');
    types = { event, hparams };
  }
  return types;
}
