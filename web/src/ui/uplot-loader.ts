// uPlot and its stylesheet, split into their own chunk: the board (the screen that must
// render fastest) draws no charts and so never loads them.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export default uPlot;
