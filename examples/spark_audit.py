"""Audit a Parquet data set with Spark and write the HTML transparency report.

The rows never leave Spark: fairscope asks Spark for one aggregation (rows and
weights per sensitive group, label and prediction) and computes every metric,
interval and disparity from that small table on the driver.

Run locally (uses every core of this machine)::

    PYTHONPATH=src python examples/spark_audit.py                       # demo data
    PYTHONPATH=src python examples/spark_audit.py --data 'logs/*.parquet' \\
        --y-true repaid --y-pred approved --sensitive sex race --out report.html

On a cluster, submit the same script; the master and resources come from
``spark-submit`` (the script sets ``local[*]`` only when no master is configured)
and ``--data`` can name any path Spark reads (HDFS, S3, ...)::

    spark-submit --master yarn --deploy-mode client \\
        --conf spark.sql.shuffle.partitions=64 \\
        --py-files fairscope.zip examples/spark_audit.py \\
        --data 's3a://bucket/predictions/date=2024-*/' --out /tmp/report.html

``fairscope`` (``pip install 'fairscope-audit[spark]'``) is needed on the driver only:
the executors run Spark's own aggregation, no Python UDF.
"""

from __future__ import annotations

import argparse
import os
import tempfile

import fairscope


def demo_parquet(folder: str, n: int = 200_000) -> str:
    """Write a synthetic credit-scoring prediction log as four Parquet files."""
    from fairscope.datasets import make_credit_scoring

    frame = make_credit_scoring(n=n, bias=0.5, random_state=0)
    columns = ["sex", "race", "age_group", "repaid", "approved", "score"]
    step = -(-n // 4)
    for i in range(4):
        frame[columns].iloc[i * step : (i + 1) * step].to_parquet(
            os.path.join(folder, f"part-{i}.parquet"), index=False
        )
    return folder


def spark_session():
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("fairscope-audit")
    if not SparkConf().contains("spark.master"):  # not launched by spark-submit
        builder = builder.master("local[*]").config("spark.ui.enabled", "false")
    return builder.getOrCreate()


def main() -> None:
    parser = argparse.ArgumentParser(description="Audit a Parquet data set with Spark.")
    parser.add_argument("--data", help="Parquet file, folder or glob (default: demo data)")
    parser.add_argument("--y-true", default="repaid")
    parser.add_argument("--y-pred", default="approved")
    parser.add_argument("--sensitive", nargs="+", default=["sex", "race"])
    parser.add_argument("--out", default="spark_audit_report.html", help="HTML report path")
    args = parser.parse_args()

    spark = spark_session()
    spark.sparkContext.setLogLevel("ERROR")
    path = args.data or demo_parquet(tempfile.mkdtemp(prefix="fairscope-spark-"))
    data = spark.read.parquet(path)

    result = fairscope.audit_predictions(
        args.y_true, args.y_pred, sensitive_features=args.sensitive, data=data
    )
    print(f"audited {result.metadata['n_rows']:,} rows held by Spark")
    table = result.tables["disparities"]
    ratios = table[(table["metric"] == "selection_rate") & (table["kind"] == "ratio")]
    print("lowest selection-rate ratios to the reference group (95% interval):")
    columns = ["feature", "group", "reference", "estimate", "lower", "upper", "n"]
    print(ratios.sort_values("estimate")[columns].head(5).to_string(index=False))
    result.to_html(args.out)
    print(f"HTML report written to {os.path.abspath(args.out)}")
    spark.stop()


if __name__ == "__main__":
    main()
