package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionApplication;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.StoreServer;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.CronExpression;
import org.quartz.Trigger;
import org.quartz.TriggerKey;

/** The window fires at 01:00 America/Caracas whatever the JVM's default zone. */
class WindowCronZoneTest {
    static final ZoneId CARACAS = ZoneId.of("America/Caracas");
    private final TimeZone original = TimeZone.getDefault();

    @TempDir
    Path tmp;

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(original);
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Asia/Tokyo", "America/Los_Angeles", "Europe/Madrid"})
    void theRunningRouteTriggerFiresAtOneInCaracas(String jvmZone) throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone(jvmZone));
        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"))) {
            Map<String, String> props = Apps.base(tmp.resolve("data"));
            props.putAll(stores.storeProperties(List.of("tienda_01")));
            stores.createStore("tienda_01", false, java.time.LocalDate.of(2026, 11, 20), java.time.LocalDate.of(2026, 11, 20));
            props.put("camel.server.enabled", "false");
            Main main = FluxionApplication.newMain(props);
            // the app's clock at noon: its start-up recovery never runs a catch-up window, whatever the real hour
            // (Quartz still schedules on the real clock, which is what this test checks)
            main.bind(io.fluxion.orchestrator.FluxionConfiguration.CLOCK, io.fluxion.orchestrator.testing.TestClocks.outsideTheWindow());
            main.start();
            try {
                QuartzComponent quartz = main.getCamelContext().getComponent("quartz", QuartzComponent.class);
                Trigger trigger = quartz.getScheduler().getTrigger(TriggerKey.triggerKey("nightly-window", "fluxion"));
                assertThat(trigger).as("the nightly-window trigger is scheduled").isNotNull();
                ZonedDateTime next = trigger.getNextFireTime().toInstant().atZone(CARACAS);
                assertThat(next.toLocalTime()).isEqualTo(LocalTime.of(1, 0));
                assertThat(next).isAfter(ZonedDateTime.now(CARACAS)).isBefore(ZonedDateTime.now(CARACAS).plusDays(1).plusMinutes(1));
            } finally {
                main.stop();
                main.shutdown();
            }
        }
    }

    @Test
    void aWindowZoneGivenAsAnOffsetIsTheTriggersZoneToo() throws Exception {
        // "-04:00" is a valid fluxion.window.zone; Quartz's TimeZone would read it as GMT
        Map<String, String> props = Apps.base(tmp.resolve("data"));
        props.put("camel.server.enabled", "false");
        props.put("fluxion.demo.enabled", "false");
        props.put("fluxion.window.zone", "-04:00");
        Main main = FluxionApplication.newMain(props);
        main.bind(io.fluxion.orchestrator.FluxionConfiguration.CLOCK, io.fluxion.orchestrator.testing.TestClocks.outsideTheWindow());
        main.start();
        try {
            QuartzComponent quartz = main.getCamelContext().getComponent("quartz", QuartzComponent.class);
            Trigger trigger = quartz.getScheduler().getTrigger(TriggerKey.triggerKey("nightly-window", "fluxion"));
            ZonedDateTime next = trigger.getNextFireTime().toInstant().atZone(java.time.ZoneOffset.ofHours(-4));
            assertThat(next.toLocalTime()).isEqualTo(LocalTime.of(1, 0));
        } finally {
            main.stop();
            main.shutdown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Asia/Tokyo"})
    void theCronOfTheConfigurationIsEvaluatedInTheWindowZone(String jvmZone) throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone(jvmZone));
        FluxionConfig cfg = FluxionConfig.load(Map.of("fluxion.window.start", "01:00")::get, List.of());
        CronExpression cron = new CronExpression(cfg.window().cron());
        cron.setTimeZone(TimeZone.getTimeZone(cfg.window().zone()));
        // 2026-11-24 23:30 Caracas is already 2026-11-25 in UTC and Tokyo
        ZonedDateTime at = ZonedDateTime.of(2026, 11, 24, 23, 30, 0, 0, CARACAS);
        Date next = cron.getNextValidTimeAfter(Date.from(at.toInstant()));
        assertThat(next.toInstant().atZone(CARACAS)).isEqualTo(ZonedDateTime.of(2026, 11, 25, 1, 0, 0, 0, CARACAS));
    }
}
