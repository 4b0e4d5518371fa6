"""CSI survey programs: choosing one, its forms, recording its answers, and the CSI arithmetic (docs/csi.md)."""
