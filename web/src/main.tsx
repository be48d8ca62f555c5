import { render } from "preact";
import { useEffect } from "preact/hooks";
import "./styles.css";
import { prefetch } from "./api.js";
import { useT } from "./i18n.js";
import { live } from "./live-incidents.js";
import { BoardPage } from "./pages/board.js";
import { ComponentPage } from "./pages/component.js";
import { IncidentPage } from "./pages/incident.js";
import { LoginPage } from "./pages/login.js";
import { OncallPage } from "./pages/oncall.js";
import { PortalPage } from "./pages/portal.js";
import { navigate, useRoute } from "./router.js";
import { homeOf, loadSession, session, type Me } from "./session.js";
import { useStore } from "./store.js";
import { Layout } from "./ui/layout.js";

function App() {
  const { me, checked } = useStore(session);
  const t = useT();
  useEffect(() => {
    if (!me) live.disconnect(); // pages connect once they need it (the board after its snapshot)
  }, [me]);
  if (!checked) return <p class="muted">{t("loading")}</p>;
  if (!me) return <LoginPage />;
  return (
    <Layout me={me}>
      <Page me={me} />
    </Layout>
  );
}

function Page({ me }: { me: Me }) {
  const route = useRoute();
  useEffect(() => {
    if (route.name === "home") navigate(homeOf(me));
  }, [route.name, me]);
  switch (route.name) {
    case "board":
      return me.role === "customer" ? <PortalPage me={me} /> : <BoardPage me={me} />;
    case "oncall":
      return me.role === "customer" ? <PortalPage me={me} /> : <OncallPage me={me} />;
    case "portal":
      return <PortalPage me={me} />;
    case "incident":
      return <IncidentPage me={me} id={route.id} />;
    case "component":
      return <ComponentPage id={route.id} />;
    case "home":
      return null;
  }
}

if (location.hash === "#/board") prefetch("/noc/board");
void loadSession();
render(<App />, document.getElementById("app")!);
