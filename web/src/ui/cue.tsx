// The cue on a new incident: a banner (always) and a short tone (when switched on; browsers
// allow audio only after a user gesture, which the switch itself is).
import { useEffect, useState } from "preact/hooks";
import { ruleLabel, useT } from "../i18n.js";
import { live } from "../live-incidents.js";
import { createStore, useStore } from "../store.js";

export const soundOn = createStore(localStorage.getItem("sound") === "1");
soundOn.subscribe((on) => localStorage.setItem("sound", on ? "1" : "0"));

let audio: AudioContext | null = null;
function beep(): void {
  audio ??= new AudioContext();
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = 880;
  gain.gain.value = 0.1;
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + 0.25);
}

export function NewIncidentCue(p: { describe: (contractId: string) => string }) {
  const t = useT();
  const msg = useStore(live.lastMessage);
  const sound = useStore(soundOn);
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    if (!msg || (msg.kind !== "opened" && msg.kind !== "reopened")) return;
    const i = msg.incident;
    setShown(
      `${p.describe(i.contractId)} / ${i.componentName ?? "—"} / ${ruleLabel(t, i.ruleName)}`,
    );
    document.body.classList.add("flash");
    if (sound) beep();
    const timer = setTimeout(() => {
      setShown(null);
      document.body.classList.remove("flash");
    }, 8000);
    return () => clearTimeout(timer);
  }, [msg]);
  return (
    <>
      <label>
        <input
          type="checkbox"
          checked={sound}
          onChange={(e) => soundOn.set(e.currentTarget.checked)}
        />{" "}
        {t("sound")}
      </label>
      {shown && (
        <div class="cue" role="alert" data-testid="new-incident-cue">
          {t("newIncident", { what: shown })}
        </div>
      )}
    </>
  );
}
