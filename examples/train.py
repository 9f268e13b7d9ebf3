"""A small training loop tracked with Trialbook.

Run it from a VS Code integrated terminal (the extension puts the SDK on the path):
    python3 train.py --lr 0.05 --optimizer adam
Each run appears in the Trialbook view while it trains. Compare runs with "Trialbook: Compare Runs…".
"""
import argparse
import math
import random
import time

import trialbook


def main() -> None:
    parser = argparse.ArgumentParser(description="Toy training loop that logs to Trialbook")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=200, help="steps per epoch")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to sleep per step (to watch it live)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    random.seed(args.seed)
    config = {"lr": args.lr, "optimizer": args.optimizer, "epochs": args.epochs, "batch_size": 32}
    with trialbook.init(experiment="toy-regression", config=config, tags=["example"],
                        notes="Example run: how does the learning rate change convergence?") as run:
        speed = args.lr * (3.0 if args.optimizer == "adam" else 1.0)
        for step in range(args.epochs * args.steps):
            progress = 1 - math.exp(-speed * step / 10)
            loss = 2.0 * (1 - progress) + 0.05 + random.gauss(0, 0.03)
            acc = 0.5 + 0.45 * progress + random.gauss(0, 0.01)
            run.log({"loss": loss, "accuracy": acc})
            if step % args.steps == args.steps - 1:
                run.log({"val_loss": loss * 1.1, "val_accuracy": acc * 0.97}, commit=False)
            if args.delay:
                time.sleep(args.delay)
        run.summary["best_accuracy"] = acc


if __name__ == "__main__":
    main()
