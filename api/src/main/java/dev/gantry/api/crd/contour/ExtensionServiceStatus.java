package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/** Contour's status of an ExtensionService; Gantry writes none and keeps what is there. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class ExtensionServiceStatus extends UnknownFields {}
