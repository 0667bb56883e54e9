"""Golden TFRecord bytes for Tests/AgentsTests/TensorBoardTests.swift, made with TensorBoard's own classes.

    python3 -m venv /tmp/tbvenv && /tmp/tbvenv/bin/pip install tensorboard
    /tmp/tbvenv/bin/python experiments/tensorboard-goldens.py

Each event is serialized with tensorboard.compat.proto.event_pb2 / summary_pb2, framed with
tensorboard.summary.writer.record_writer.RecordWriter, read back with TensorBoard's record reader,
and printed as hex.
"""
import io
import os
import tempfile

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.record_writer import RecordWriter
from tensorboard.backend.event_processing import event_file_loader


def scalars(wall_time, step, values):
    summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=t, simple_value=v) for t, v in values])
    return event_pb2.Event(wall_time=wall_time, step=step, summary=summary)


GOLDENS = [
    ("fileVersion", event_pb2.Event(wall_time=1700000000.5, file_version="brain.Event:2")),
    ("stepZero", scalars(1700000001.25, 0, [
        ("charts/episodic_return/CartPole-v1", 12.5),
        ("losses/value_loss", -0.75),
        ("popart/sigma", 0.0),
    ])),
    ("stepNonZero", scalars(1700000002.0, 123456, [
        ("losses/policy_loss", -3.0625),
        ("charts/sps", 1536.0),
    ])),
    ("negativeStepNoWallTime", scalars(0.0, -1, [("x", 1.0)])),
]

for name, event in GOLDENS:
    buffer = io.BytesIO()
    RecordWriter(buffer).write(event.SerializeToString())
    record = buffer.getvalue()
    # Read it back with TensorBoard's own reader, which checks the CRCs.
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "events.out.tfevents.0.golden")
        with open(path, "wb") as f:
            f.write(record)
        [read] = list(event_file_loader.RawEventFileLoader(path).Load())
        assert read == event.SerializeToString(), name
    print(f'{name}: "{record.hex()}"')
