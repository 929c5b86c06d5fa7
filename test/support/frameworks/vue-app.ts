// The Vue app of test/engines/frameworks.test.ts, bundled by esbuild with the real vue (its esm-bundler build, in
// development) and the built elevate-tracker/vue. The spec drives it through `window.vueApp`: mount it, and unmount it.
import { createApp, defineComponent, h, onMounted, type App } from 'vue';
import { elevateTracker, useTracker } from 'elevate-tracker/vue';
import type { TrackerOptions } from 'elevate-tracker';

export interface VueAppProps {
  options: TrackerOptions;
  /** What the tile sets with `setCustomerKey` once it is mounted. */
  customerKey?: string;
  /** Takes `app.onUnmount` away before the plugin is installed, as in Vue before 3.5. */
  isBefore35?: boolean;
}

let app: App | undefined;

function mount({ options, customerKey, isBefore35 }: VueAppProps) {
  const Tile = defineComponent({
    setup() {
      const tracker = useTracker();
      onMounted(() => customerKey && tracker.setCustomerKey(customerKey));
      return () => h('a', { id: 'tile', href: '/p/1', 'data-elevate-ticket': 'T-vue',
        onClick: (event: Event) => event.preventDefault() }, 'A product');
    },
  });
  app = createApp(Tile);
  if (isBefore35) delete (app as Partial<App>).onUnmount;
  app.use(elevateTracker, options).mount('#root');
}

function unmount() {
  app?.unmount();
  app = undefined;
}

(window as any).vueApp = { mount, unmount };
