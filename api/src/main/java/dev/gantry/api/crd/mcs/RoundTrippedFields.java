package dev.gantry.api.crd.mcs;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import dev.gantry.api.crd.UnknownFields;
import java.util.Map;

/**
 * Base of the model objects of a CRD that others define and write too (the MCS API's
 * ServiceImport): a field this build does not know is written back as it was read, so that an
 * update by Gantry never drops what another tool, or a newer release of the CRD, put there.
 */
public abstract class RoundTrippedFields extends UnknownFields {
  @JsonAnyGetter
  Map<String, Object> unknownFieldsToWrite() {
    return unknownFields();
  }
}
