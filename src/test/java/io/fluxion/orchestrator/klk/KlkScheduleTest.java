package io.fluxion.orchestrator.klk;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionApplication;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.MutableClock;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.TimeZone;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quartz.CronTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerKey;

/**
 * The KLK triggers fire at minutes 00/30 (inventory) and 05/35 (sales) in fluxion.window.zone whatever
 * the JVM's zone. Asia/Kathmandu (UTC+05:45) tells the zones apart: a cron evaluated there instead of
 * in Caracas would fire at minutes 15/45 (20/50) of Caracas time.
 */
class KlkScheduleTest {
    private final TimeZone original = TimeZone.getDefault();

    @TempDir
    Path tmp;

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(original);
    }

    @ParameterizedTest
    @CsvSource({"UTC,America/Caracas", "Asia/Kathmandu,America/Caracas", "UTC,Asia/Kathmandu"})
    void theRunningTriggersFireAtTheirMinutesInTheWindowZone(String jvmZone, String windowZone) throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone(jvmZone));
        ZoneId zone = ZoneId.of(windowZone);
        Map<String, String> props = Apps.base(tmp.resolve("data"));
        props.put("camel.server.enabled", "false");
        props.put("fluxion.demo.enabled", "false");
        props.put("fluxion.window.zone", windowZone);
        // a backend that is never reached: if a trigger fired during the test it would fail, not write
        props.put("fluxion.klk.mode", "backend");
        props.put("fluxion.klk.backend-url", "http://127.0.0.1:9");
        // 14:07 in the window zone: next inventory 14:30, next sales 14:35 (status block, controlled clock)
        MutableClock clock = new MutableClock(ZonedDateTime.of(2026, 11, 24, 14, 7, 0, 0, zone).toInstant());
        Main main = FluxionApplication.newMain(props);
        main.bind(FluxionConfiguration.CLOCK, clock);
        main.start();
        try {
            QuartzComponent quartz = main.getCamelContext().getComponent("quartz", QuartzComponent.class);
            assertFires(quartz, "klk-inventory", zone, 0, 30);
            assertFires(quartz, "klk-sales", zone, 5, 35);

            KlkRoute inventory = main.getCamelContext().getRegistry().lookupByNameAndType("klkInventory", KlkRoute.class);
            KlkRoute sales = main.getCamelContext().getRegistry().lookupByNameAndType("klkSales", KlkRoute.class);
            assertThat(inventory.nextExecution().orElseThrow().atZone(zone))
                    .isEqualTo(ZonedDateTime.of(2026, 11, 24, 14, 30, 0, 0, zone));
            assertThat(sales.nextExecution().orElseThrow().atZone(zone))
                    .isEqualTo(ZonedDateTime.of(2026, 11, 24, 14, 35, 0, 0, zone));
            assertThat((String) sales.status().get("next_execution")).startsWith("2026-11-24T14:35:00");
        } finally {
            main.stop();
            main.shutdown();
        }
    }

    private static void assertFires(QuartzComponent quartz, String name, ZoneId zone, int... minutes) throws Exception {
        Trigger trigger = quartz.getScheduler().getTrigger(TriggerKey.triggerKey(name, "fluxion"));
        assertThat(trigger).as(name + " is scheduled").isNotNull();
        assertThat(((CronTrigger) trigger).getTimeZone().getID()).isEqualTo(zone.getId());
        // a missed fire keeps its own scheduled time, so the route's guard can drop it when too old
        assertThat(trigger.getMisfireInstruction()).isEqualTo(Trigger.MISFIRE_INSTRUCTION_IGNORE_MISFIRE_POLICY);
        java.util.Date t = trigger.getNextFireTime();
        for (int i = 0; i < 4; i++) {
            ZonedDateTime z = t.toInstant().atZone(zone);
            assertThat(z.getMinute()).as(name + " fires at " + z).isIn(minutes[0], minutes[1]);
            assertThat(z.getSecond()).isZero();
            t = trigger.getFireTimeAfter(t);
        }
        ZonedDateTime next = trigger.getNextFireTime().toInstant().atZone(zone);
        assertThat(next).isAfter(ZonedDateTime.now(zone)).isBefore(ZonedDateTime.now(zone).plusMinutes(31));
    }
}
