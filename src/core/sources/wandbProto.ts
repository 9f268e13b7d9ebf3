// The protobuf messages of W&B's run log (run-<id>.wandb), written for Trialbook from the public definition
// (wandb/proto/wandb_internal.proto; field numbers as there), keeping only the fields a reader needs. Records of
// kinds not declared here (telemetry, console output, requests…) decode with no record field set and are skipped;
// unknown fields from newer writers are skipped by the decoder.
import { parse, type Type } from 'protobufjs';

export const WANDB_PROTO = `
syntax = "proto3";
package wandb_internal;

// google.protobuf.Timestamp, wire-compatible copy.
message Timestamp {
  int64 seconds = 1;
  int32 nanos = 2;
}

message Record {
  int64 num = 1;
  oneof record_type {
    HistoryRecord history = 2;
    SummaryRecord summary = 3;
    ConfigRecord config = 5;
    FilesRecord files = 6;
    StatsRecord stats = 7;
    ArtifactRecord artifact = 8;
    RunRecord run = 17;
    RunExitRecord exit = 18;
    Empty final = 20;
    Empty header = 21;
    Empty footer = 22;
    Empty preempting = 23;
  }
}

message Empty {}

message RunRecord {
  string run_id = 1;
  string entity = 2;
  string project = 3;
  ConfigRecord config = 4;
  SummaryRecord summary = 5;
  string run_group = 6;
  string job_type = 7;
  string display_name = 8;
  string notes = 9;
  repeated string tags = 10;
  string sweep_id = 12;
  string host = 13;
  int64 starting_step = 14;
  Timestamp start_time = 17;
  bool resumed = 18;
  int32 runtime = 20;
}

message RunExitRecord {
  int32 exit_code = 1;
  int32 runtime = 2;
}

message HistoryStep { int64 num = 1; }

message HistoryRecord {
  repeated Item item = 1;
  HistoryStep step = 2;
}

// HistoryItem, ConfigItem and SummaryItem share this layout.
message Item {
  string key = 1;
  repeated string nested_key = 2;
  string value_json = 16;
}

message ConfigRecord {
  repeated Item update = 1;
  repeated Item remove = 2;
}

message SummaryRecord {
  repeated Item update = 1;
  repeated Item remove = 2;
}

message FilesItem {
  enum PolicyType { NOW = 0; END = 1; LIVE = 2; }
  string path = 1;
  PolicyType policy = 2;
}

message FilesRecord {
  repeated FilesItem files = 1;
}

message StatsItem {
  string key = 1;
  string value_json = 16;
}

message StatsRecord {
  int32 stats_type = 1;
  Timestamp timestamp = 2;
  repeated StatsItem item = 3;
}

message ArtifactManifestEntry {
  string path = 1;
  string digest = 2;
  int64 size = 4;
}

message ArtifactManifest {
  repeated ArtifactManifestEntry contents = 4;
}

message ArtifactRecord {
  string type = 4;
  string name = 5;
  string digest = 6;
  ArtifactManifest manifest = 12;
}
`;

let record: Type | undefined;

/** The Record decoder, built once from the definitions above. */
export function wandbRecordType(): Type {
  record ??= parse(WANDB_PROTO, { keepCase: true }).root.lookupType('wandb_internal.Record');
  return record;
}
